#include "http/localize.h"

#include <algorithm>
#include <map>

namespace yv::http {

bool prefers_chinese(const std::string& accept_language) {
  std::string first = accept_language.substr(0, accept_language.find_first_of(",;"));
  first.erase(std::remove(first.begin(), first.end(), ' '), first.end());
  std::transform(first.begin(), first.end(), first.begin(), [](unsigned char c) { return std::tolower(c); });
  return first == "zh" || first.starts_with("zh-");
}

std::string chinese_detail(const std::string& code, const std::string& detail) {
  static const std::map<std::string, std::string> kSummaries = {
      {"bad_request", "请求无效"},
      {"file_not_found", "文件不存在"},
      {"gpu_unavailable", "GPU资源不足"},
      {"internal_error", "服务器内部错误"},
      {"invalid_callback", "回调地址无效"},
      {"invalid_json", "请求体不是有效的 JSON"},
      {"invalid_parameter", "参数错误"},
      {"invalid_path", "路径无效"},
      {"invalid_reference", "阶段引用无效"},
      {"invalid_request", "请求无效"},
      {"method_not_allowed", "不支持该请求方法"},
      {"not_found", "路径不存在"},
      {"param_conflict", "参数冲突"},
      {"payload_too_large", "请求体过大"},
      {"state_store_error", "状态存储不可用"},
      {"task_conflict", "任务冲突"},
      {"task_finished", "任务已结束"},
      {"task_not_found", "任务不存在"},
      {"task_timeout", "任务执行超时"},
      {"unknown_node", "未知节点"},
      {"workflow_finished", "工作流已结束"},
      {"workflow_not_found", "工作流不存在"},
      {"workflow_running", "工作流正在执行"},
      {"workflow_storage_gone", "工作流的存储已被删除"},
  };
  const bool already_chinese =
      std::any_of(detail.begin(), detail.end(), [](unsigned char c) { return c >= 0x80; });
  const auto it = kSummaries.find(code);
  if (already_chinese || it == kSummaries.end()) return detail;
  return it->second + ": " + detail;
}

}  // namespace yv::http
