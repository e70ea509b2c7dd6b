/**
 * A small terminal for tests: replays what a program wrote to a terminal (text, CR/LF and the
 * escape sequences cli-progress and readline use) onto a grid, so a test can assert on what a
 * person would finally see — nothing drawn over, nothing cut — and on the terminal modes
 * (cursor shown, line wrap on) the program leaves behind.
 */
export interface Screen {
  lines: string[];
  cursorVisible: boolean;
  wrap: boolean;
}

export function replay(output: string, columns = 80): Screen {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let wrap = true;
  let cursorVisible = true;
  let saved = { row: 0, col: 0 };
  const line = (r: number) => {
    while (lines.length <= r) lines.push([]);
    return lines[r]!;
  };
  const put = (ch: string) => {
    if (col >= columns) {
      if (wrap) {
        row += 1;
        col = 0;
      } else {
        col = columns - 1;
      }
    }
    const cells = line(row);
    while (cells.length < col) cells.push(" ");
    cells[col] = ch;
    col += 1;
  };
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "\r") {
      col = 0;
    } else if (ch === "\n") {
      // Terminals (onlcr) and the programs' own "\r\n" both start the next line at column 0.
      row += 1;
      col = 0;
      line(row);
    } else if (ch === "\x1b") {
      const next = chars[i + 1];
      if (next === "7" || next === "8") {
        if (next === "7") saved = { row, col };
        else ({ row, col } = saved);
        i += 1;
        continue;
      }
      if (next !== "[") continue;
      let j = i + 2;
      let params = "";
      while (j < chars.length && /[0-9;?]/.test(chars[j]!)) params += chars[j++];
      const command = chars[j];
      i = j;
      const n = Number(params.replace("?", "").split(";")[0] || "0");
      switch (command) {
        case "G":
          col = Math.max(n, 1) - 1;
          break;
        case "A":
          row = Math.max(row - Math.max(n, 1), 0);
          break;
        case "B":
          row += Math.max(n, 1);
          line(row);
          break;
        case "C":
          col += Math.max(n, 1);
          break;
        case "D":
          col = Math.max(col - Math.max(n, 1), 0);
          break;
        case "K": {
          const cells = line(row);
          if (n === 0) cells.length = Math.min(cells.length, col);
          else if (n === 1) for (let k = 0; k <= col && k < cells.length; k++) cells[k] = " ";
          else cells.length = 0;
          break;
        }
        case "J":
          if (n === 0) {
            line(row).length = Math.min(line(row).length, col);
            lines.length = row + 1;
          }
          break;
        case "h":
        case "l":
          if (params === "?25") cursorVisible = command === "h";
          if (params === "?7") wrap = command === "h";
          break;
      }
    } else {
      put(ch);
    }
  }
  return {
    lines: lines.map((cells) => cells.join("").trimEnd()),
    cursorVisible,
    wrap,
  };
}

/** What was written, without escape sequences or line breaks: text as a program wrote it. */
export function plainText(output: string): string {
  const sequence = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
  return output.replace(sequence, "").replace(/[\r\n]/g, "");
}
