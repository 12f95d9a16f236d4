import { useEffect, useRef } from 'react';

export interface QueueKeys {
  down: () => void;
  up: () => void;
  open: () => void;
  acknowledge: () => void;
  resolve: () => void;
  select: () => void;
  search: () => void;
  /** Off while a dialog is open. */
  enabled: boolean;
}

/** The queue's keyboard: j/k move, Enter opens, a acknowledges, r resolves, x selects, / searches (not while typing). */
export function useQueueKeys(keys: QueueKeys): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const k = current.current;
      const target = e.target as HTMLElement | null;
      if (!k.enabled || e.ctrlKey || e.metaKey || e.altKey) return;
      if (target !== null && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const action = { j: k.down, k: k.up, Enter: k.open, a: k.acknowledge, r: k.resolve, x: k.select, '/': k.search }[e.key];
      if (action === undefined) return;
      // Enter on a focused button or link keeps its own meaning.
      if (e.key === 'Enter' && target !== null && ['BUTTON', 'A'].includes(target.tagName)) return;
      e.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
