// frontline: first-line AI for IT operations. See README.md.
#include <cstdlib>
#include <string>

#include "cli/cli.h"
#include "core/core.h"

namespace fl::cli {

int Fail(const std::string& message) {
  Log(LogLevel::kError, message);
  return 1;
}

}  // namespace fl::cli

int main(int argc, char** argv) {
  CLI::App app{"frontline — small models on the first line of IT operations"};
  app.require_subcommand(1);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Debug logging");
  app.add_flag("-q,--quiet", quiet, "Errors only (no progress)");
  app.set_version_flag("--version", "frontline 0.1.0");
  std::vector<std::pair<CLI::App*, fl::cli::Runner>> commands;
  fl::cli::AddClassifyCommands(&app, &commands);
  fl::cli::AddRoutingCommands(&app, &commands);
  fl::cli::AddReviewCommands(&app, &commands);
  fl::cli::AddGuardCommands(&app, &commands);
  fl::cli::AddKnowledgeCommands(&app, &commands);
  fl::cli::AddServerCommands(&app, &commands);
  fl::cli::AddLmCommands(&app, &commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (const char* env = std::getenv("FRONTLINE_LOG")) {
    const std::string v = env;
    if (v == "debug") fl::SetLogLevel(fl::LogLevel::kDebug);
    if (v == "info") fl::SetLogLevel(fl::LogLevel::kInfo);
    if (v == "warn") fl::SetLogLevel(fl::LogLevel::kWarn);
    if (v == "error") fl::SetLogLevel(fl::LogLevel::kError);
  }
  if (verbose) fl::SetLogLevel(fl::LogLevel::kDebug);
  if (quiet) fl::SetLogLevel(fl::LogLevel::kError);
  for (auto& [sub, run] : commands) {
    if (!sub->parsed()) continue;
    try {
      return run();
    } catch (const std::exception& e) {  // a bug or resource exhaustion: say so, exit 1
      return fl::cli::Fail(std::string("unexpected error: ") + e.what());
    }
  }
  return 2;
}
