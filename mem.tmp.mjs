const rss = () => (process.memoryUsage().rss/1048576).toFixed(0);
const s = performance.now();
await import('./src/app.ts'); globalThis.gc?.();
console.log('app', rss(), 'ms', (performance.now()-s).toFixed(0), 'features.typescript', process.features.typescript);
