/**
 * Shell completion scripts for bash, zsh and fish, generated from a description of the
 * commander program (commands/completion.ts makes it), so they list exactly the commands and
 * options `--help` lists.
 */

export interface CompletionOption {
  /** "--plex-db". */
  long: string;
  /** "-V", when there is one. */
  short?: string | undefined;
  description: string;
  takesValue: boolean;
  /** The value is a path: complete file names. */
  file: boolean;
  /** The only values it takes, when known. */
  choices?: readonly string[] | undefined;
  repeatable: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** Values of its one positional argument, when it has a fixed set (`completion bash|zsh|fish`). */
  argumentChoices?: readonly string[] | undefined;
}

export interface CompletionSpec {
  program: string;
  globals: CompletionOption[];
  commands: CompletionCommand[];
}

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell, spec: CompletionSpec): string {
  switch (shell) {
    case "bash":
      return bashScript(spec);
    case "zsh":
      return zshScript(spec);
    case "fish":
      return fishScript(spec);
  }
}

/** A shell-safe function-name part: "plexodus" → "plexodus". */
function ident(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function words(options: readonly CompletionOption[]): string[] {
  return options.flatMap((option) => (option.short ? [option.long, option.short] : [option.long]));
}

/** The words so far: the one being completed, the one before, and the command typed. */
const BASH_PREAMBLE = [
  "  local cur prev command i",
  "  cur=$" + "{COMP_WORDS[COMP_CWORD]}",
  "  prev=$" + "{COMP_WORDS[COMP_CWORD-1]:-}",
  '  command=""',
  "  for ((i = 1; i < COMP_CWORD; i++)); do",
  '    case "$' + '{COMP_WORDS[i]}" in',
];

function bashScript(spec: CompletionSpec): string {
  const fn = `_${ident(spec.program)}`;
  const all = [...spec.globals, ...spec.commands.flatMap((command) => command.options)];
  const fileFlags = [...new Set(all.filter((o) => o.file).map((o) => o.long))];
  const choiceFlags = new Map<string, readonly string[]>();
  for (const option of all) if (option.choices) choiceFlags.set(option.long, option.choices);
  const valueFlags = [
    ...new Set(all.filter((o) => o.takesValue && !o.file && !o.choices).map((o) => o.long)),
  ];
  const globalWords = words(spec.globals).join(" ");
  const lines = [
    `# ${spec.program} completion for bash. Load it with:`,
    `#   source <(${spec.program} completion bash)`,
    `# or save it as /etc/bash_completion.d/${spec.program}.`,
    `${fn}() {`,
    ...BASH_PREAMBLE,
    `      ${spec.commands.map((c) => c.name).join("|")}) command="\${COMP_WORDS[i]}"; break ;;`,
    "    esac",
    "  done",
    '  case "$prev" in',
  ];
  if (fileFlags.length > 0) {
    lines.push(
      `    ${fileFlags.join("|")})`,
      "      compopt -o filenames 2>/dev/null",
      '      COMPREPLY=($(compgen -f -- "$cur"))',
      "      return ;;",
    );
  }
  for (const [flag, choices] of choiceFlags) {
    lines.push(`    ${flag}) COMPREPLY=($(compgen -W "${choices.join(" ")}" -- "$cur")); return ;;`);
  }
  if (valueFlags.length > 0) lines.push(`    ${valueFlags.join("|")}) COMPREPLY=(); return ;;`);
  lines.push("  esac", "  local candidates", '  case "$command" in');
  lines.push(`    "") candidates="${spec.commands.map((c) => c.name).join(" ")} ${globalWords}" ;;`);
  for (const command of spec.commands) {
    // After a command, the root's own --version means nothing useful; the other globals do.
    const globals = words(spec.globals.filter((option) => option.long !== "--version"));
    const own = [...(command.argumentChoices ?? []), ...words(command.options), ...globals].join(" ");
    lines.push(`    ${command.name}) candidates="${own}" ;;`);
  }
  lines.push(
    "  esac",
    '  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))',
    "}",
    `complete -F ${fn} ${spec.program}`,
    "",
  );
  return lines.join("\n");
}

/** Text inside a single-quoted zsh `_arguments` spec: brackets and colons are special there. */
function zshText(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "'\\''")
    .replace(/\[/g, "\\[")
    .replace(/\]/g, "\\]")
    .replace(/:/g, "\\:");
}

function zshOption(option: CompletionOption): string {
  const description = zshText(option.description);
  const value = !option.takesValue
    ? ""
    : option.file
      ? ":file:_files"
      : option.choices
        ? `:value:(${option.choices.join(" ")})`
        : ":value: ";
  const repeat = option.repeatable ? "*" : "";
  if (option.short)
    return `'(${option.short} ${option.long})'{${option.short},${option.long}}'[${description}]${value}'`;
  return `'${repeat}${option.long}[${description}]${value}'`;
}

function zshScript(spec: CompletionSpec): string {
  const fn = `_${ident(spec.program)}`;
  const commandList = spec.commands.map((c) => `    '${zshText(c.name)}:${zshText(c.description)}'`);
  const globals = spec.globals.map((o) => `    ${zshOption(o)} \\`);
  const lines = [
    `#compdef ${spec.program}`,
    `# ${spec.program} completion for zsh. Save it as _${spec.program} in a folder of $fpath, or load it with:`,
    `#   source <(${spec.program} completion zsh)`,
    `${fn}() {`,
    "  local -a commands",
    "  commands=(",
    ...commandList,
    "  )",
    "  local curcontext=$curcontext state line",
    "  _arguments -C \\",
    ...globals,
    "    '1: :->command' \\",
    "    '*:: :->args'",
    "  case $state in",
    `    command) _describe -t commands '${spec.program} command' commands ;;`,
    "    args)",
    "      case $words[1] in",
  ];
  for (const command of spec.commands) {
    const specs = command.options.map((o) => `            ${zshOption(o)} \\`);
    const positional = command.argumentChoices
      ? [`            '1:value:(${command.argumentChoices.join(" ")})' \\`]
      : [];
    lines.push(
      `        ${command.name})`,
      "          _arguments \\",
      ...specs,
      ...positional,
      "            '(-h --help)'{-h,--help}'[show help]'",
      "          ;;",
    );
  }
  lines.push(
    "      esac",
    "      ;;",
    "  esac",
    "}",
    `if [[ $zsh_eval_context[-1] == loadautofunc ]]; then`,
    `  ${fn} "$@"`,
    "else",
    `  compdef ${fn} ${spec.program}`,
    "fi",
    "",
  );
  return lines.join("\n");
}

/** A single-quoted fish string. */
function fishText(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function fishOption(program: string, condition: string, option: CompletionOption): string {
  const parts = [`complete -c ${program} -n ${fishText(condition)} -l ${option.long.replace(/^--/, "")}`];
  if (option.short) parts.push(`-s ${option.short.replace(/^-/, "")}`);
  if (option.takesValue) {
    if (option.file) parts.push("-r -F");
    else if (option.choices) parts.push(`-x -a ${fishText(option.choices.join(" "))}`);
    else parts.push("-x");
  }
  parts.push(`-d ${fishText(option.description)}`);
  return parts.join(" ");
}

function fishScript(spec: CompletionSpec): string {
  const p = spec.program;
  const names = spec.commands.map((c) => c.name).join(" ");
  const lines = [
    `# ${p} completion for fish. Save it as ~/.config/fish/completions/${p}.fish, or load it with:`,
    `#   ${p} completion fish | source`,
    `complete -c ${p} -f`,
    ...spec.commands.map(
      (c) =>
        `complete -c ${p} -n ${fishText(`not __fish_seen_subcommand_from ${names}`)} -a ${c.name} -d ${fishText(c.description)}`,
    ),
    ...spec.globals.map((o) => fishOption(p, "true", o)),
  ];
  for (const command of spec.commands) {
    const condition = `__fish_seen_subcommand_from ${command.name}`;
    for (const option of command.options) lines.push(fishOption(p, condition, option));
    if (command.argumentChoices) {
      lines.push(
        `complete -c ${p} -n ${fishText(condition)} -a ${fishText(command.argumentChoices.join(" "))}`,
      );
    }
  }
  lines.push("");
  return lines.join("\n");
}
