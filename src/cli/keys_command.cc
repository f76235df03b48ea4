// `yivideo keys create | list | revoke`: the API keys of the server on this machine (http/auth_keys.h), the
// same as the admin routes /v1/keys. A running server sees the change within a second.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "http/auth_keys.h"
#include "http/auth_routes.h"

namespace yv::cli {

Command add_keys(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "keys", "Create, list and revoke API keys ($YIVIDEO_KEYS_FILE, default <data dir>/api_keys.json)");
  cmd->require_subcommand(1);
  struct Args {
    std::string name, id;
    std::vector<std::string> scopes;
    double rate = 0;
    uint64_t upload_bytes = 0;
  };
  auto a = std::make_shared<Args>();
  auto* create = cmd->add_subcommand("create", "Create a key and print it (it is shown this once)");
  create->add_option("--name", a->name, "What the key is for");
  create
      ->add_option("--scopes", a->scopes, "read, submit, files, admin (admin: all, and every key's records)")
      ->delimiter(',')
      ->required();
  create->add_option("--rate", a->rate, "Requests per second, in bursts of one second's worth (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  create->add_option("--upload-bytes-per-hour", a->upload_bytes, "Bytes of uploads an hour (0: no limit)")
      ->capture_default_str();
  auto* list = cmd->add_subcommand("list", "Every key (never the keys themselves), revoked ones too");
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a key: requests with it are refused from then on");
  revoke->add_option("id", a->id, "The key's id (key_...)")->required();

  return {cmd, [=] {
            const auto keys = http::auth::KeyStore::from_environment();
            nlohmann::json out;
            if (create->parsed()) {
              const auto created =
                  keys->create(a->name, http::auth::parse_scopes(a->scopes), a->rate, a->upload_bytes);
              out = http::key_json(created.record);
              out["key"] = created.key;
            } else if (list->parsed()) {
              out = {{"keys", nlohmann::json::array()}};
              for (const auto& k : keys->list()) out["keys"].push_back(http::key_json(k));
            } else if (revoke->parsed()) {
              out = http::key_json(keys->revoke(a->id));
            }
            std::printf("%s\n", out.dump(2).c_str());
            return 0;
          }};
}

}  // namespace yv::cli
