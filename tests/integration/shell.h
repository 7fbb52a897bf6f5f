// Runs a shell command for the integration tests and captures its output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace fl::testing {

struct ShellResult {
  int code = -1;    // exit status; -1 when the command could not run or was killed
  std::string out;  // stdout, plus stderr when fold_stderr
};

// Runs cmd with /bin/sh. stderr is folded into out when fold_stderr, else discarded.
inline ShellResult Sh(const std::string& cmd, bool fold_stderr = false) {
  ShellResult r;
  const std::string full = cmd + (fold_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace fl::testing
