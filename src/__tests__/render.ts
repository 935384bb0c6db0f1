/**
 * Render a React element into a real (jsdom) DOM node for the tests, and clean up after.
 */
import React, { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

// React warns outside of an act() environment unless told this is one.
(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: { root: Root; node: HTMLElement }[] = [];

export function render(element: React.ReactElement): HTMLElement {
  const node = document.createElement('div');
  document.body.appendChild(node);
  const root = createRoot(node);
  act(() => root.render(element));
  mounted.push({ root, node });
  return node;
}

export function cleanup(): void {
  for (const { root, node } of mounted.splice(0)) {
    act(() => root.unmount());
    node.remove();
  }
}

/** Click a button found by its accessible name (aria-label or text). */
export function clickButton(container: HTMLElement, name: string): void {
  const button = buttonByName(container, name);
  act(() => button.click());
}

export function buttonByName(
  container: HTMLElement,
  name: string
): HTMLElement {
  // JupyterLab's toolbar buttons are `jp-button` web components.
  const buttons = Array.from(
    container.querySelectorAll<HTMLElement>('button, jp-button')
  );
  const found = buttons.find(
    b => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name
  );
  if (!found) {
    throw new Error(
      `no button named "${name}" among: ${buttons
        .map(b => b.getAttribute('aria-label') ?? b.textContent?.trim())
        .join(' | ')}`
    );
  }
  return found;
}
