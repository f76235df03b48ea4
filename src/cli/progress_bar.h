// A one-line progress bar on stderr for long CLI operations.
//
// On a terminal the line is redrawn in place; when stderr is a file or pipe (CI logs), a line is written at
// each 10% step instead, so logs stay readable.
#pragma once

#include <string>

namespace yv::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  // fraction in [0, 1]; values that do not move the bar are ignored.
  void update(double fraction);
  // Draws 100% and ends the line.
  void finish();

 private:
  std::string label_;
  bool tty_;
  int shown_ = -1;  // last percentage drawn
};

}  // namespace yv::cli
