/**
 * One "Why was this denied?" per denial in an output area. Under a traceback the kernel adds
 * its denial card (denialMime.tsx), which has the button with the exact request; the error
 * output (renderers.tsx) would offer a second one for the same denial. The card's button wins:
 * the error output's button is hidden while the same output area holds a card for the same
 * boto3 error (`An error occurred (<code>) when calling the <operation> operation`).
 *
 * Either may be attached first (the card follows the traceback in a run; a notebook restored
 * from disk renders both at once), so each calls `reconcile` when it is attached.
 */

const OUTPUT_AREA = 'jp-OutputArea';
const ERROR_OUTPUT = 'jp-StudioAbac-denialAware';
const CARD = 'jp-StudioAbac-denialOutput';
// Whitespace and the rich traceback's frame, which wraps lines (even inside a word)
const LAYOUT = /[\s│╭╮╰╯─┃┏┓┗┛━╷╵]+/g;

// An error output's node: its text without layout, and its button's node.
const errorOutputs = new WeakMap<
  Element,
  { text: string; button: HTMLElement }
>();
// A card's node: the boto3 phrase of its error, without layout.
const cards = new WeakMap<Element, string>();

function compact(text: string): string {
  return text.replace(LAYOUT, '');
}

/** boto3's words for the error the card describes, as an error output would hold them. */
export function boto3Phrase(code: string, operation: string): string {
  return compact(
    `An error occurred (${code}) when calling the ${operation} operation`
  );
}

/** An error output (`node`) whose text holds a denial, offering `button`. */
export function registerErrorOutput(
  node: HTMLElement,
  text: string,
  button: HTMLElement
): void {
  errorOutputs.set(node, { text: compact(text), button });
  reconcile(node);
}

/** A denial card (`node`) for the boto3 error `phrase` (from `boto3Phrase`). */
export function registerCard(node: HTMLElement, phrase: string): void {
  cards.set(node, phrase);
  reconcile(node);
}

/** Hide the error outputs' buttons that a card in the same output area covers. */
export function reconcile(node: HTMLElement): void {
  const area = node.closest(`.${OUTPUT_AREA}`);
  if (!area) {
    return;
  }
  const phrases: string[] = [];
  for (const card of Array.from(area.getElementsByClassName(CARD))) {
    const phrase = cards.get(card);
    if (phrase) {
      phrases.push(phrase);
    }
  }
  for (const element of Array.from(area.getElementsByClassName(ERROR_OUTPUT))) {
    const output = errorOutputs.get(element);
    if (output) {
      output.button.hidden = phrases.some(p => output.text.includes(p));
    }
  }
}
