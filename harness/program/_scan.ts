/**
 * One pass over a command line, the way `sh` reads a simple command: the words it would see, and
 * whether any shell syntax occurs outside quotes. Shared by `parseCommand()`, `needsShell()` and
 * `commandArgv()`.
 *
 * @module
 */
import { CommandError } from "./command_error.ts";

/** What {@linkcode scan} found. */
export interface Scanned {
  /** The words, quotes and escapes removed. */
  words: string[];
  /** Whether shell syntax occurs outside quotes (or `$`/backtick inside double quotes). */
  shell: boolean;
}

/** Characters that are shell syntax anywhere outside quotes. */
const SHELL_ANYWHERE = new Set(["|", "&", ";", "<", ">", "(", ")", "$", "`", "*", "?", "[", "\n"]);
/** Characters that are shell syntax at the start of a word: home directory, comment. */
const SHELL_AT_WORD_START = new Set(["~", "#"]);
const BLANK = new Set([" ", "\t", "\r"]);
/** What a backslash escapes inside double quotes; before anything else it stays. */
const DOUBLE_QUOTE_ESCAPES = '"\\$`\n';

/**
 * Scans a command line.
 *
 * @param text The command line.
 * @param strict Throw on an unterminated quote or a trailing backslash; otherwise stop there.
 * @throws {CommandError} In strict mode, for an unterminated quote or a trailing backslash.
 */
export function scan(text: string, strict: boolean): Scanned {
  const words: string[] = [];
  let shell = false;
  let word = "";
  let inWord = false;
  let bare = ""; // the word so far while nothing in it was quoted or escaped, for NAME=value
  let bareOnly = true;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
    bare = "";
    bareOnly = true;
  };
  const unterminated = (what: string): Scanned => {
    if (strict) throw new CommandError(`Unterminated ${what} in ${JSON.stringify(text)}`);
    return { words, shell };
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return unterminated("single quote");
      word += text.slice(i + 1, close);
      inWord = true;
      bareOnly = false;
      i = close;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const d = text[j];
        if (d === "$" || d === "`") shell = true;
        if (d === "\\" && j + 1 < text.length && DOUBLE_QUOTE_ESCAPES.includes(text[j + 1])) {
          j++;
          if (text[j] !== "\n") word += text[j];
        } else {
          word += d;
        }
      }
      if (j >= text.length) return unterminated("double quote");
      inWord = true;
      bareOnly = false;
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= text.length) {
        if (strict) {
          throw new CommandError(`The command ${JSON.stringify(text)} ends in a lone backslash`);
        }
        break;
      }
      i++;
      if (text[i] !== "\n") { // a backslash before a line break joins the lines
        word += text[i];
        inWord = true;
        bareOnly = false;
      }
    } else if (BLANK.has(c)) {
      endWord();
    } else {
      if (SHELL_ANYWHERE.has(c) || (!inWord && SHELL_AT_WORD_START.has(c))) shell = true;
      if (c === "=" && words.length === 0 && bareOnly && /^[A-Za-z_][A-Za-z0-9_]*$/.test(bare)) {
        shell = true; // NAME=value before the command sets an environment variable
      }
      if (c === "\n") {
        endWord();
        continue;
      }
      word += c;
      bare += c;
      inWord = true;
    }
  }
  endWord();
  return { words, shell };
}
