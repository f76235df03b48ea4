// Where YiVideo keeps its files by default, following the XDG base directory convention.
#pragma once

#include <filesystem>

namespace yv {

// Re-creatable data (built libraries, downloads, converted models): $YIVIDEO_CACHE, else
// $XDG_CACHE_HOME/yivideo, else ~/.cache/yivideo. scripts/lib/deps.sh uses the same rule.
std::filesystem::path cache_dir();

// State that must survive restarts (the embedded database, stored objects): $YIVIDEO_DATA_DIR, else
// $XDG_DATA_HOME/yivideo, else ~/.local/share/yivideo.
std::filesystem::path data_dir();

}  // namespace yv
