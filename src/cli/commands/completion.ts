import { Argument, type Command, type Option } from "commander";
import { OPTION_BY_KEY } from "../../config/options.js";
import type { RegisterCommand } from "../registration.js";
import {
  type CompletionCommand,
  type CompletionOption,
  type CompletionSpec,
  completionScript,
  SHELLS,
  type Shell,
} from "../render/completion.js";

export const registerCompletion: RegisterCommand = (program, registration) => {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(SHELLS))
    .addHelpText(
      "after",
      "\nLoad it for this shell session, or save it where your shell looks for completions:\n" +
        "  source <(plexodus completion bash)      # or save to /etc/bash_completion.d/plexodus\n" +
        "  source <(plexodus completion zsh)       # or save as _plexodus in a folder of $fpath\n" +
        "  plexodus completion fish | source       # or save to ~/.config/fish/completions/plexodus.fish",
    )
    .action(async (shell: Shell) => {
      // Read when it runs, so every command registered before or after this one is listed. The
      // value schemas (zod) load only here, not at every start (issue 14, start).
      const { VALUE_SCHEMAS } = await import("../../config/values.js");
      registration
        .context()
        .io.stdout.write(completionScript(shell, describeProgram(program, VALUE_SCHEMAS)));
    });
};

/** The program's commands and options, as the completion scripts need them. */
export function describeProgram(
  program: Command,
  schemas: Readonly<Record<string, unknown>>,
): CompletionSpec {
  const describeOption = (option: Option) => describeOptionWith(option, schemas);
  const help: CompletionOption = {
    long: "--help",
    short: "-h",
    description: "show help",
    takesValue: false,
    file: false,
    repeatable: false,
  };
  return {
    program: program.name(),
    globals: [...program.options.map(describeOption), help],
    commands: program.commands.map(
      (command): CompletionCommand => ({
        name: command.name(),
        description: command.description(),
        options: command.options.map(describeOption),
        argumentChoices: command.registeredArguments[0]?.argChoices,
      }),
    ),
  };
}

function describeOptionWith(option: Option, schemas: Readonly<Record<string, unknown>>): CompletionOption {
  const takesValue = option.required || option.optional;
  const name = OPTION_BY_KEY.get(option.attributeName())?.schema;
  const schema = (name === undefined ? undefined : schemas[name]) as
    | { options?: readonly unknown[] }
    | undefined;
  // Enum options of the option table (--target-kind, --mode) complete their values.
  const enumValues = schema?.options?.every((value) => typeof value === "string")
    ? (schema.options as readonly string[])
    : undefined;
  return {
    long: option.long ?? option.flags,
    short: option.short,
    description: option.description,
    takesValue,
    file: /<file>/.test(option.flags),
    choices: option.argChoices ?? (takesValue ? enumValues : undefined),
    repeatable: OPTION_BY_KEY.get(option.attributeName())?.repeatable === true,
  };
}
