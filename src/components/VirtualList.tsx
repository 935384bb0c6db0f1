/**
 * A list that renders only the rows in view (plus a few around), so 10,000 rows scroll smoothly.
 * Rows have a fixed height; the arrow keys, Home and End move between rows.
 */
import React, {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState
} from 'react';

export interface IVirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** The accessible name of the list. */
  label: string;
  itemKey: (item: T) => string;
  renderRow: (item: T, index: number) => React.ReactNode;
  /** Called when the last rows come into view (to load more). */
  onEndReached?: () => void;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  /** The selector, inside a row, of the element that takes focus when arrowing to it. */
  focusSelector?: string;
}

/** The first and last (exclusive) row index to render for a scroll position. */
export function visibleRange(
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  overscan: number
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(
    count,
    Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan
  );
  return [first, Math.max(first, last)];
}

// Before the first measure (and in test DOMs that do no layout) assume a typical sidebar height.
const FALLBACK_VIEW_HEIGHT = 600;

export function VirtualList<T>(props: IVirtualListProps<T>): JSX.Element {
  const { items, rowHeight, overscan = 8 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(FALLBACK_VIEW_HEIGHT);
  const pendingFocus = useRef<number | null>(null);

  useLayoutEffect(() => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const measure = () => {
      if (node.clientHeight > 0) {
        setViewHeight(node.clientHeight);
      }
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  const [first, last] = visibleRange(
    scrollTop,
    viewHeight,
    rowHeight,
    items.length,
    overscan
  );

  const { onEndReached } = props;
  useEffect(() => {
    if (onEndReached && items.length > 0 && last >= items.length - overscan) {
      onEndReached();
    }
  }, [last, items.length, onEndReached, overscan]);

  useEffect(() => {
    const index = pendingFocus.current;
    const node = scroller.current;
    if (index === null || !node) {
      return;
    }
    const row = node.querySelector<HTMLElement>(`[data-index="${index}"]`);
    const target = props.focusSelector
      ? row?.querySelector<HTMLElement>(props.focusSelector)
      : row;
    if (target) {
      target.focus();
      pendingFocus.current = null;
    }
  });

  const onScroll = useCallback(() => {
    if (scroller.current) {
      setScrollTop(scroller.current.scrollTop);
    }
  }, []);

  const moveFocus = (event: React.KeyboardEvent<HTMLDivElement>) => {
    const node = scroller.current;
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-index]'
    );
    if (!node || !row || items.length === 0) {
      return;
    }
    const current = Number(row.dataset.index);
    const perPage = Math.max(1, Math.floor(viewHeight / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + perPage,
      PageUp: current - perPage,
      Home: 0,
      End: items.length - 1
    };
    if (!(event.key in moves)) {
      return;
    }
    event.preventDefault();
    const next = Math.min(items.length - 1, Math.max(0, moves[event.key]));
    pendingFocus.current = next;
    const top = next * rowHeight;
    if (top < node.scrollTop) {
      node.scrollTop = top;
    } else if (top + rowHeight > node.scrollTop + node.clientHeight) {
      node.scrollTop = top + rowHeight - node.clientHeight;
    }
    setScrollTop(node.scrollTop);
  };

  const rows: React.ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const item = items[index];
    rows.push(
      <div
        key={props.itemKey(item)}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={index + 1}
        data-index={index}
        className="jp-StudioAbac-virtualRow"
        style={{ top: index * rowHeight, height: rowHeight }}
      >
        {props.renderRow(item, index)}
      </div>
    );
  }

  return (
    <div
      ref={scroller}
      className="jp-StudioAbac-virtualList"
      onScroll={onScroll}
      onKeyDown={moveFocus}
    >
      <div
        role="list"
        aria-label={props.label}
        className="jp-StudioAbac-virtualCanvas"
        style={{ height: items.length * rowHeight }}
      >
        {rows}
      </div>
    </div>
  );
}
