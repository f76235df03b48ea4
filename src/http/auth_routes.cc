#include "http/auth_routes.h"

#include <httplib.h>

#include "core/error.h"
#include "core/ids.h"
#include "http/json_io.h"

namespace yv::http {

using nlohmann::json;

json key_json(const auth::KeyRecord& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"scopes", auth::scope_names(key.scopes)},
          {"requests_per_second", key.requests_per_second},
          {"upload_bytes_per_hour", key.upload_bytes_per_hour},
          {"created_at", iso8601(key.created_at)},
          {"revoked_at", key.revoked_at ? json(iso8601(*key.revoked_at)) : json(nullptr)}};
}

namespace {

void require_keys_on(auth::KeyStore& keys) {
  if (!keys.enabled())
    throw Error("keys_disabled",
                "API keys are off: create the first key on the server with `yivideo keys create`", 403);
}

const json kKeySchema = {
    {"type", "object"},
    {"required", {"id", "name", "scopes", "created_at", "revoked_at"}},
    {"properties",
     {{"id", {{"type", "string"}}},
      {"name", {{"type", "string"}}},
      {"scopes", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"requests_per_second", {{"type", "number"}}},
      {"upload_bytes_per_hour", {{"type", "integer"}}},
      {"created_at", {{"type", "string"}}},
      {"revoked_at", {{"type", "string"}, {"nullable", true}}},
      {"key", {{"type", "string"}, {"description", "The key itself: only in the answer to its creation"}}}}}};

}  // namespace

void add_key_routes(Router& router, auth::KeyStore& keys) {
  // Open to all, like the documentation: a client (the studio) learns whether keys are on and what its key
  // may do before it calls anything that would refuse it. The key given, if any, must be valid.
  router.add(
      {"GET",
       "/v1/whoami",
       "keys",
       "Whether API keys are on, and the calling key with the scopes it holds",
       {},
       nullptr,
       {{"200",
         {{"description",
           "keys_enabled; key: the caller's key (null with keys off or none given); scopes: what the "
           "caller may do (every scope with keys off, none without a key)"},
          {"schema",
           {{"type", "object"},
            {"required", {"keys_enabled", "key", "scopes"}},
            {"properties",
             {{"keys_enabled", {{"type", "boolean"}}},
              {"key", {{"allOf", {kKeySchema}}, {"nullable", true}}},
              {"scopes", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}},
        {"401", "The key given is unknown or revoked"}}},
      [&keys](const httplib::Request& req, httplib::Response& res) {
        if (!keys.enabled())
          return send_json(
              res, 200,
              {{"keys_enabled", false},
               {"key", nullptr},
               {"scopes", auth::scope_names(auth::kRead | auth::kSubmit | auth::kFiles | auth::kAdmin)}});
        const std::string authorization = req.get_header_value("Authorization"),
                          x_api_key = req.get_header_value("X-API-Key");
        const auto given = [](const std::string& v) {
          return v.empty() ? std::nullopt : std::optional<std::string_view>(v);
        };
        const std::string_view presented = auth::presented_key(given(authorization), given(x_api_key));
        if (presented.empty())
          return send_json(res, 200, {{"keys_enabled", true}, {"key", nullptr}, {"scopes", json::array()}});
        const auto key = keys.identify(presented);
        if (!key) throw Error("invalid_api_key", "the API key is unknown or revoked", 401);
        send_json(
            res, 200,
            {{"keys_enabled", true}, {"key", key_json(*key)}, {"scopes", auth::scope_names(key->scopes)}});
      });
  const json scopes = {{"type", "array"},
                       {"minItems", 1},
                       {"items", {{"type", "string"}, {"enum", {"read", "submit", "files", "admin"}}}}};
  router.add({"GET",
              "/v1/keys",
              "keys",
              "List the API keys (admin)",
              {},
              nullptr,
              {{"200",
                {{"description", "Every key, revoked ones too"},
                 {"schema",
                  {{"type", "object"},
                   {"required", {"keys"}},
                   {"properties", {{"keys", {{"type", "array"}, {"items", kKeySchema}}}}}}}}},
               {"403", "Keys are off, or the key is not admin"}}},
             [&keys](const httplib::Request&, httplib::Response& res) {
               require_keys_on(keys);
               json list = json::array();
               for (const auto& k : keys.list()) list.push_back(key_json(k));
               send_json(res, 200, {{"keys", list}});
             });
  router.add(
      {"POST",
       "/v1/keys",
       "keys",
       "Create an API key (admin); the answer holds the key, shown this once",
       {},
       {{"type", "object"},
        {"required", {"scopes"}},
        {"additionalProperties", false},
        {"properties",
         {{"name", {{"type", "string"}, {"maxLength", 100}}},
          {"scopes", scopes},
          {"requests_per_second", {{"type", "number"}, {"minimum", 0}}},
          {"upload_bytes_per_hour", {{"type", "integer"}, {"minimum", 0}}}}}},
       {{"201", {{"description", "Created"}, {"schema", kKeySchema}}},
        {"400", "Unknown field or scope, no scopes, a negative rate, or a name over 100 characters"},
        {"403", "Keys are off, or the key is not admin"}}},
      [&keys](const httplib::Request& req, httplib::Response& res) {
        // The request is checked first: a malformed one is a 400 whether keys are on or not.
        const json body = parse_body(req);
        std::string name;
        unsigned scopes = 0;
        double rate = 0;
        uint64_t upload_bytes = 0;
        try {
          name = body.value("name", "");
          scopes = auth::parse_scopes(body.at("scopes").get<std::vector<std::string>>());
          rate = body.value("requests_per_second", 0.0);
          upload_bytes = body.value("upload_bytes_per_hour", uint64_t(0));
        } catch (const json::exception&) {
          throw Error("invalid_request",
                      "send {\"scopes\": [...], \"name\", \"requests_per_second\", "
                      "\"upload_bytes_per_hour\"} with values of those types",
                      400);
        }
        for (const auto& [field, value] : body.items()) {
          if (field != "name" && field != "scopes" && field != "requests_per_second" &&
              field != "upload_bytes_per_hour")
            throw Error("invalid_request", "unknown field '" + field + "'", 400);
        }
        // nlohmann reads true as 1 and -1 as a huge unsigned number: the types are checked as the schema has
        // them.
        const bool typed =
            (!body.contains("requests_per_second") || body["requests_per_second"].is_number()) &&
            (!body.contains("upload_bytes_per_hour") || body["upload_bytes_per_hour"].is_number_unsigned());
        if (!typed || rate < 0 || name.size() > 100)
          throw Error("invalid_request",
                      "requests_per_second must be a number of 0 or more, upload_bytes_per_hour a whole "
                      "number of 0 or more, and the name at most 100 characters",
                      400);
        require_keys_on(keys);
        const auto created = keys.create(name, scopes, rate, upload_bytes);
        json out = key_json(created.record);
        out["key"] = created.key;
        send_json(res, 201, out);
      });
  router.add({"DELETE",
              "/v1/keys/{key_id}",
              "keys",
              "Revoke an API key (admin); requests with it are refused from then on",
              {},
              nullptr,
              {{"200", {{"description", "Revoked (or already revoked)"}, {"schema", kKeySchema}}},
               {"403", "Keys are off, or the key is not admin"},
               {"404", "No such key"}}},
             [&keys](const httplib::Request& req, httplib::Response& res) {
               require_keys_on(keys);
               send_json(res, 200, key_json(keys.revoke(req.matches[1])));
             });
}

}  // namespace yv::http
