import { z } from 'zod';

// Every module takes zod from here. Extension pages run under a CSP without 'unsafe-eval', and zod
// probes `new Function` as each object schema is built unless jitless is set first; ES modules
// run their imports first, so only a module that every schema imports can guarantee the order.
z.config({ jitless: true });

export { z };
