// The parameters through which the LLM nodes (ai_optimize_text, translate_subtitles) choose and call a
// provider (llm/providers.h), and the client they make from them.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/node_registry.h"
#include "llm/chat_client.h"

namespace yv::wservice {

// provider (default: YIVIDEO_LLM_PROVIDER, else local), model, prompt_file_path, timeout_seconds,
// max_retries.
std::vector<engine::ParamSpec> llm_params();

// The client `params` ask for. max_retries is both the client's retries on 429/5xx and what a node allows
// itself for re-asking. `temperature`: low for the most faithful answer; higher where re-asks must sample
// different answers to choose from. Throws what llm::provider throws.
llm::ChatClient llm_client(const nlohmann::json& params, const std::atomic<bool>& cancelled, int max_tokens,
                           double temperature = llm::ChatOptions().temperature);

// The system prompt: prompt_file_path's text when given (UTF-8, at most 64 KiB), else `fallback`; every
// {source_language} and {target_language} in it replaced by those languages' English names (language_name).
std::string system_prompt(const nlohmann::json& params, const std::string& fallback,
                          const std::string& source_language, const std::string& target_language);

// `text` without the spaces and newlines around it: Whisper's segments start with a space, and models pad
// answers.
std::string trimmed(const std::string& text);

// "Chinese (Simplified)" for zh, "English" for en, ...; the code itself for one not in the table.
std::string language_name(const std::string& code);

}  // namespace yv::wservice
