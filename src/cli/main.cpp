// The gatehouse command line: one binary whose subcommands are registered here.
#include <CLI/CLI.hpp>

#include "cli/demo.hpp"
#include "cli/doctor.hpp"
#include "cli/run.hpp"
#include "cli/serve.hpp"

#include <cstdlib>

int main(int argc, char** argv) {
  CLI::App app{"gatehouse: a Discord gateway client and a strict local test gateway"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gatehouse 0.1.0");
  gatehouse::cli::add_run_command(app);
  gatehouse::cli::add_demo_command(app);
  gatehouse::cli::add_doctor_command(app);
  gatehouse::cli::add_serve_command(app);

  CLI11_PARSE(app, argc, argv);

  return EXIT_SUCCESS;
}
