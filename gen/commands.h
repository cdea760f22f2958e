/* commands.h - the subcommands (each in its own cmd_<name>.c). Each takes the
 * arguments after its name and returns the process exit code. */
#ifndef ALMANAC_COMMANDS_H
#define ALMANAC_COMMANDS_H

int cmd_build(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_new(int argc, char **argv);

#endif
