// Vite turns stylesheet imports into files; the renderer only imports them for their side effect.
declare module '*.css';
