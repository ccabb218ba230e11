/* Extra rows of the subcommand table in main.c: { "name", cmd_name, "summary" }, one line each. */
