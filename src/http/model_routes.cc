#include "http/model_routes.h"

#include <httplib.h>

#include "http/json_io.h"
#include "nodes/whisper/model_catalogue.h"

namespace yv::http {

void add_model_routes(Router& router) {
  router.add(
      {"GET",
       "/v1/models",
       "models",
       "Whisper models: installed ones and those a package registry serves, with their languages, size, "
       "weight type and where they came from",
       {},
       nullptr,
       {{"200", {{"description", "Every model, sorted by name"}, {"schema", "ModelList"}}}}},
      [](const httplib::Request&, httplib::Response& res) {
        nlohmann::json models = nlohmann::json::array();
        for (const auto& m :
             whisper::ModelCatalogue(whisper::ModelStore(whisper::default_model_dir())).list())
          models.push_back(whisper::to_json(m));
        send_json(res, 200, {{"models", models}, {"count", models.size()}});
      });
}

}  // namespace yv::http
