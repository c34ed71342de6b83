// zod probes for eval (`new Function`) when it builds its first object schema unless told not to,
// and the strict CSP refuses eval. Imported first, before any module that builds schemas.
import { z } from 'zod';

z.config({ jitless: true });
