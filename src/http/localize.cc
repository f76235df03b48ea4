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
      {"audio_too_long", "音频时长超过同步接口的上限"},
      {"auth_required", "需要 API 密钥"},
      {"bad_request", "请求无效"},
      {"bind_failed", "无法监听该地址"},
      {"cancelled", "已取消"},
      {"chain_too_long", "工作流链过长"},
      {"cors_origin_not_allowed", "不允许该来源的跨域请求"},
      {"disk_full", "服务器磁盘空间不足"},
      {"docs_unavailable", "文档不可用"},
      {"empty_workflow_chain", "工作流链为空"},
      {"file_exists", "文件已被其他密钥上传"},
      {"file_not_found", "文件不存在"},
      {"gpu_lease_lost", "GPU 租约被收回"},
      {"gpu_unavailable", "GPU资源不足"},
      {"headers_too_large", "请求头过大"},
      {"heartbeat_not_found", "心跳记录不存在"},
      {"host_not_allowed", "不接受该主机名"},
      {"http_version_not_supported", "不支持该 HTTP 版本"},
      {"incomplete_upload", "上传不完整"},
      {"input_not_allowed", "不允许使用该输入"},
      {"input_too_large", "输入文件过大"},
      {"input_unavailable", "无法获取输入文件"},
      {"insufficient_scope", "API 密钥权限不足"},
      {"internal_error", "服务器内部错误"},
      {"invalid_api_key", "API 密钥无效或已吊销"},
      {"invalid_callback", "回调地址无效"},
      {"invalid_config", "配置无效"},
      {"invalid_input", "输入无效"},
      {"invalid_json", "请求体不是有效的 JSON"},
      {"invalid_media", "媒体文件无效"},
      {"invalid_model_file", "模型文件无效"},
      {"invalid_model_name", "模型名称无效"},
      {"invalid_parameter", "参数错误"},
      {"invalid_path", "路径无效"},
      {"invalid_reference", "阶段引用无效"},
      {"invalid_request", "请求无效"},
      {"invalid_rttm", "RTTM 文件无效"},
      {"invalid_scope", "权限范围无效"},
      {"job_not_found", "作业不存在"},
      {"json_too_deep", "JSON 嵌套层级过深"},
      {"key_not_found", "API 密钥不存在"},
      {"keys_disabled", "未启用 API 密钥"},
      {"length_required", "缺少 Content-Length"},
      {"lock_not_held", "未持有该锁"},
      {"media_too_long", "媒体时长超过上限"},
      {"method_not_allowed", "不支持该请求方法"},
      {"missing_input", "缺少输入：请求和之前的阶段都不提供"},
      {"model_exists", "模型已安装"},
      {"model_load_failed", "模型加载失败"},
      {"model_not_found", "模型不存在"},
      {"model_not_in_registry", "软件包仓库不提供该模型"},
      {"model_not_installed", "模型未安装"},
      {"no_audio_stream", "没有音频流"},
      {"no_keyframes", "没有关键帧"},
      {"no_video_stream", "没有视频流"},
      {"not_found", "路径不存在"},
      {"param_conflict", "参数冲突"},
      {"payload_too_large", "请求体过大"},
      {"queue_full", "排队的任务过多"},
      {"range_not_satisfiable", "请求的范围无法满足"},
      {"rate_limited", "请求过于频繁"},
      {"request_timeout", "请求超时"},
      {"script_conversion_failed", "简繁转换失败"},
      {"script_conversion_unavailable", "简繁转换数据未安装"},
      {"setup_failed", "安装步骤失败"},
      {"setup_not_found", "找不到安装脚本"},
      {"state_busy", "状态存储繁忙"},
      {"state_error", "状态存储出错"},
      {"state_store_error", "状态存储不可用"},
      {"state_unavailable", "状态存储不可用"},
      {"storage_error", "存储出错"},
      {"storage_unavailable", "对象存储不可用"},
      {"subtitles_not_found", "没有该格式的字幕"},
      {"synthesis_failed", "语音合成失败"},
      {"task_conflict", "任务冲突"},
      {"task_finished", "任务已结束"},
      {"task_not_found", "任务不存在"},
      {"task_timeout", "任务执行超时"},
      {"too_many_channels", "音频声道过多"},
      {"too_many_connections", "连接过多"},
      {"too_many_transfers", "同时进行的上传和下载过多"},
      {"transcription_failed", "转录失败"},
      {"tts_unavailable", "语音合成引擎不可用"},
      {"unauthorized", "需要 API 密钥"},
      {"unknown_node", "未知节点"},
      {"unknown_voice", "未知音色"},
      {"unresolved_reference", "阶段引用无法解析"},
      {"unsupported_content_encoding", "不支持该内容编码"},
      {"unsupported_format", "不支持该格式"},
      {"unsupported_language", "没有可朗读该语言的音色"},
      {"unsupported_media_type", "不支持该媒体类型"},
      {"unsupported_transfer_encoding", "不支持该传输编码"},
      {"upload_quota_exceeded", "上传量超过限额"},
      {"uri_too_long", "请求地址过长"},
      {"vad_failed", "语音活动检测失败"},
      {"voice_language_mismatch", "音色与语言不符"},
      {"workflow_finished", "工作流已结束"},
      {"workflow_not_finished", "工作流尚未完成"},
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
