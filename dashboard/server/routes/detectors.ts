import { z } from 'zod';
import { severitySchema } from '../../../core/finding.ts';
import { none, route } from '../http/route.ts';

export const detectorRoutes = [
  route({
    method: 'get',
    path: '/detectors',
    summary: 'The detectors: title, severity, ATT&CK ids, known false positives, triage note',
    role: 'analyst',
    params: none,
    query: none,
    body: none,
    response: z.object({
      items: z.array(z.object({ id: z.string(), title: z.string(), severity: severitySchema, attack: z.array(z.string()), falsePositives: z.array(z.string()), triage: z.string() })),
    }),
    async handler(_input, { deps }) {
      return { items: deps.detectors.map((d) => ({ ...d, attack: [...d.attack], falsePositives: [...d.falsePositives] })) };
    },
  }),
];
