// Private to the CLI: each subcommand registers its flags on the app and returns the
// function that runs it.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace fl::cli {

using Runner = std::function<int()>;

// Registers train / eval / predict.
void AddClassifyCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);

// Prints "error: <message>" to stderr and returns the exit code for a failed command.
int Fail(const std::string& message);

}  // namespace fl::cli
