// Starts the wasm app. A file rather than an inline script, so the page's Content-Security-Policy
// can forbid inline scripts altogether.
import init from '/frontend.js';
init({ module_or_path: '/frontend_bg.wasm' });
