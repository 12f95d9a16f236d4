import { createContext, useContext } from 'react';

export type Theme = 'light' | 'dark';

/** Chart colours per theme (SVG attributes cannot read CSS variables). */
export const palettes: Record<Theme, { series: string[]; grid: string; text: string; surface: string }> = {
  light: { series: ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2'], grid: '#d4d4d8', text: '#3f3f46', surface: '#ffffff' },
  dark: { series: ['#60a5fa', '#fbbf24', '#34d399', '#f87171', '#a78bfa', '#22d3ee'], grid: '#3f3f46', text: '#d4d4d8', surface: '#18181b' },
};

/** The theme stored by the toggle, else the system's. */
export function initialTheme(): Theme {
  const saved = window.localStorage.getItem('sspr-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const ThemeContext = createContext<{ theme: Theme; toggle: () => void }>({ theme: 'light', toggle: () => {} });

export function usePalette() {
  return palettes[useContext(ThemeContext).theme];
}
