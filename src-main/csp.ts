/**
 * The renderer's Content Security Policy. Production is strict: only our own files, no inline
 * script, no eval, no network but our origin. The dev server adds what Vite's hot reload needs.
 */
export function contentSecurityPolicy({ dev }: { dev: boolean }): string {
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': "'self'",
    // Vite injects <style> tags during development only; built CSS is a file.
    'style-src': dev ? "'self' 'unsafe-inline'" : "'self'",
    'img-src': "'self' data:",
    'font-src': "'self'",
    'connect-src': dev ? "'self' ws://localhost:* ws://127.0.0.1:*" : "'self'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'object-src': "'none'",
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}
