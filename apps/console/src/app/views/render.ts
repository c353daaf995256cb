import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/** A whole HTML page from its JSX (every text and attribute escaped by the renderer). */
export function renderPage(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}
