#include "cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace yv::cli {

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(STDERR_FILENO)) {}

void ProgressBar::update(double fraction) {
  const int percent = int(std::clamp(fraction, 0.0, 1.0) * 100.0);
  if (percent <= shown_ || (!tty_ && percent / 10 == shown_ / 10 && shown_ >= 0)) return;
  shown_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  std::fprintf(stderr, "%s%s [%s%s] %3d%%%s", tty_ ? "\r" : "", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '-').c_str(), percent,
               tty_ ? "" : "\n");
  std::fflush(stderr);
}

void ProgressBar::finish() {
  update(1.0);
  if (tty_) std::fputc('\n', stderr);
}

}  // namespace yv::cli
