// The gatehouse command line: one binary whose subcommands are registered here.
#include <CLI/CLI.hpp>

#include "cli/bench.hpp"
#include "cli/demo.hpp"
#include "cli/doctor.hpp"
#include "cli/run.hpp"
#include "cli/serve.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{"gatehouse: a Discord gateway client and a strict local test gateway"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gatehouse 0.1.0");
  gatehouse::cli::add_run_command(app);
  gatehouse::cli::add_demo_command(app);
  gatehouse::cli::add_doctor_command(app);
  gatehouse::cli::add_serve_command(app);
  gatehouse::cli::add_bench_command(app);

  // A token-shaped argument is refused before parsing, so that no parse error can echo it.
  // `serve` takes the token its clients must send, which is not a bot's secret.
  if (argc > 1 && std::string_view(argv[1]) != "serve") {
    std::vector<std::string> values;
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg(argv[i]);
      if (arg != "--token" && !arg.starts_with("--token=")) {
        values.emplace_back(arg);
      }
    }
    if (const auto refusal = gatehouse::cli::refuse_token_arguments(values); !refusal.empty()) {
      std::cerr << "gatehouse: " << refusal << '\n';
      return 2;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own usage errors have codes from 100 up; they are configuration errors here. A
    // command's own exit code (CLI::RuntimeError) is passed through.
    const int code = app.exit(e);
    return code >= 100 ? 2 : code;
  }

  return EXIT_SUCCESS;
}
