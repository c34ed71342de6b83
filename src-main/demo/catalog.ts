// The fixed vocabulary the seeded data set is built from. Text deliberately includes quotes,
// commas, newlines, non-Latin scripts and emoji, so every layer (store, FTS, CSV, UI) meets them.

export interface CatalogAnswer {
  name: string;
  description: string;
  score: number;
}

export interface CatalogAnswerSet {
  name: string;
  category: number; // index into ANSWER_SET_CATEGORIES
  answers: CatalogAnswer[]; // best first; `bias` below picks with these weights
  bias: number[];
}

export const ANSWER_SET_CATEGORIES = ['Two Options', 'Three Options', 'Rating'];

export const ANSWER_SETS: CatalogAnswerSet[] = [
  {
    name: 'Yes, No',
    category: 0,
    answers: [
      { name: 'Yes', description: 'Yes.', score: 100 },
      { name: 'No', description: 'No or a very poor.', score: 0 },
    ],
    bias: [80, 20],
  },
  {
    name: 'Good, Fair, Poor',
    category: 1,
    answers: [
      { name: 'Good', description: 'Good.', score: 100 },
      { name: 'Fair', description: 'Fair, with room to improve.', score: 50 },
      { name: 'Poor', description: 'Poor.', score: 0 },
    ],
    bias: [60, 28, 12],
  },
  {
    name: 'Rating 1–5',
    category: 2,
    answers: [
      { name: '5 – Excellent', description: 'Excellent.', score: 100 },
      { name: '4 – Good', description: 'Good.', score: 75 },
      { name: '3 – Average', description: 'Average.', score: 50 },
      { name: '2 – Weak', description: 'Weak.', score: 25 },
      { name: '1 – Unacceptable', description: 'Unacceptable.', score: 0 },
    ],
    bias: [35, 30, 20, 10, 5],
  },
];

export const NOT_APPLICABLE = { name: 'N/A', description: 'Not applicable for this call', score: 0 };

export const CATEGORIES = [
  'Greeting & Opening',
  'Active Listening',
  'Problem Solving',
  'Compliance',
  'Closing',
  'Good for Training',
];

export interface CatalogQuestion {
  question: string;
  description: string;
  category: number;
  answerSet: number;
  allowNa: boolean;
  weight: string;
}

export const QUESTIONS: CatalogQuestion[] = [
  {
    question: 'Greeted the customer by name',
    description: 'Uses the name from the CRM',
    category: 0,
    answerSet: 0,
    allowNa: false,
    weight: '1',
  },
  {
    question: 'Introduced themselves, the company, and the purpose',
    description: 'All three, in that order',
    category: 0,
    answerSet: 1,
    allowNa: false,
    weight: '0.5',
  },
  {
    question: 'Verified identity ("two factors")',
    description: 'Date of birth, postcode',
    category: 0,
    answerSet: 0,
    allowNa: true,
    weight: '2',
  },
  {
    question: 'Active listening',
    description: 'Paraphrases the request before acting',
    category: 1,
    answerSet: 1,
    allowNa: false,
    weight: '1',
  },
  {
    question: 'Avoided interrupting',
    description: 'Lets the customer finish',
    category: 1,
    answerSet: 0,
    allowNa: false,
    weight: '1',
  },
  {
    question: 'Empathy statements',
    description: 'e.g. "I understand how frustrating that is"',
    category: 1,
    answerSet: 2,
    allowNa: true,
    weight: '1.5',
  },
  {
    question: 'Identified the root cause',
    description: 'Not just the symptom',
    category: 2,
    answerSet: 1,
    allowNa: false,
    weight: '2',
  },
  {
    question: 'Offered the right solution first time',
    description: 'First-contact resolution',
    category: 2,
    answerSet: 0,
    allowNa: true,
    weight: '3',
  },
  {
    question: 'Used the knowledge base',
    description: 'Links the article in the notes',
    category: 2,
    answerSet: 0,
    allowNa: true,
    weight: '1',
  },
  {
    question: 'Read the mandatory disclosure',
    description: 'Word for word, no shortcuts',
    category: 3,
    answerSet: 0,
    allowNa: false,
    weight: '3',
  },
  {
    question: 'No payment data spoken aloud',
    description: 'PCI: card numbers via IVR only',
    category: 3,
    answerSet: 0,
    allowNa: true,
    weight: '3',
  },
  {
    question: 'Recorded consent, where required',
    description: 'Zustimmung zur Aufzeichnung (DE)',
    category: 3,
    answerSet: 0,
    allowNa: true,
    weight: '2',
  },
  {
    question: 'Summarised next steps',
    description: 'Who does what, by when',
    category: 4,
    answerSet: 1,
    allowNa: false,
    weight: '1',
  },
  {
    question: 'Asked "Is there anything else?"',
    description: 'Before closing',
    category: 4,
    answerSet: 0,
    allowNa: false,
    weight: '0.5',
  },
  {
    question: 'Overall tone',
    description: 'Friendly, calm, professional',
    category: 5,
    answerSet: 2,
    allowNa: false,
    weight: '1',
  },
  {
    question: 'お客様への配慮',
    description: '丁寧な言葉遣い (Japanese-language queue)',
    category: 5,
    answerSet: 2,
    allowNa: true,
    weight: '1',
  },
  {
    question: 'Hold etiquette',
    description: 'Asks before placing on hold, thanks after',
    category: 5,
    answerSet: 1,
    allowNa: true,
    weight: '1',
  },
  {
    question: 'Correct wrap-up code',
    description: 'Disposition matches the call',
    category: 4,
    answerSet: 0,
    allowNa: false,
    weight: '1',
  },
];

export interface CatalogQuestionnaire {
  name: string;
  description: string;
  active: boolean;
  questions: number[];
}

export const QUESTIONNAIRES: CatalogQuestionnaire[] = [
  {
    name: 'Customer Experience',
    description: 'The standard scorecard for every queue',
    active: true,
    questions: [0, 1, 3, 4, 6, 12, 13, 14],
  },
  {
    name: 'Sales Compliance',
    description: 'Regulated sales calls, audited quarterly',
    active: true,
    questions: [2, 9, 10, 11, 12, 17],
  },
  {
    name: 'Onboarding — Tier 1',
    description: 'New starters, first 90 days',
    active: true,
    questions: [0, 3, 5, 7, 8, 13, 16, 17, 14],
  },
  {
    name: 'Kundenservice DE',
    description: 'Fragebogen für „Kundendienst DE“',
    active: true,
    questions: [0, 5, 11, 12, 15],
  },
  {
    name: 'Legacy QA 2023',
    description: 'Retired, kept for history',
    active: false,
    questions: [0, 4, 6, 9],
  },
  {
    name: 'Pilot: chat quality, v2',
    description: 'Trial, never rolled out',
    active: false,
    questions: [3, 5, 7, 14, 16],
  },
];

export const COMMENT_TAGS = [
  'Good for Training',
  'Coaching Needed',
  'Compliance Risk',
  'Escalation',
  'Kudos 🎉',
];

export interface Assessor {
  name: string;
  email: string | null;
  /** -1..1: how often this assessor's judgement leans one answer better (>0) or worse (<0). */
  leniency: number;
}

export const ASSESSORS: Assessor[] = [
  { name: 'Supervisor', email: 'supervisor@example.com', leniency: 0 },
  { name: 'Linda Houghton', email: 'linda.houghton@example.com', leniency: 0.7 },
  { name: 'Márta Kovács', email: 'marta.kovacs@example.com', leniency: -0.6 },
  { name: '佐藤 美咲', email: 'misaki.sato@example.jp', leniency: 0.1 },
  { name: "Seán O'Connor", email: 'sean.oconnor@example.ie', leniency: 0.35 },
  { name: 'QA Bot', email: null, leniency: -0.3 },
];

export const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emma',
  'Felipe',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kateřina',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomás',
  'Uma',
  'Viktor',
  'Wei',
  'Yuki',
  'Zoë',
  'Анна',
  '花子',
  'محمد',
  'Ngozi',
  "D'Arcy",
];

export const LAST_NAMES = [
  'Smith',
  'Müller',
  'García',
  'Kowalski',
  'Nguyen',
  'Okafor',
  "O'Brien",
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Jensen',
  'Novák',
  'Dubois',
  'Silva',
  'Yılmaz',
  'Иванова',
  '田中',
  'Kim',
  'Patel',
  'van der Berg',
  'Smith-Jones',
  'Łukasik',
];

export const TEAMS: { name: string; hierarchy: string }[] = [
  { name: 'Tier 1', hierarchy: 'Support / Tier 1' },
  { name: 'Tier 2', hierarchy: 'Support / Tier 2' },
  { name: 'Billing', hierarchy: 'Support / Billing' },
  { name: 'Outbound Sales', hierarchy: 'Sales / Outbound Sales' },
  { name: 'Kundendienst DE', hierarchy: 'EMEA / Kundendienst DE' },
  { name: 'サポート JP', hierarchy: 'APAC / サポート JP' },
];

export const QUEUES = [
  'Everyone',
  'Support',
  'Sales',
  'Billing, Refunds & Disputes',
  'Premium Support',
  'Kundendienst DE',
  'サポート JP',
];

export const COMMENT_FRAGMENTS = [
  'Great call.',
  'Kunde sagte: „Danke“ – sehr zufrieden.',
  'Customer said "thanks, that\'s all", then stayed on the line.',
  'お客様はとても満足していました。',
  'Needs to slow down, a lot.',
  'Handled the escalation calmly 👍',
  'Read the disclosure, but skipped the second part.',
  'Line 1 of the note\nline 2, after a newline.',
  'Tone: friendly; pace: fast; clarity: good.',
  'Offered a refund of €12,50 without approval.',
  '¿Habló español con el cliente? Sí.',
  'Клиент был недоволен ожиданием.',
  'Hold time > 2 min; "please hold" not asked.',
  'Use this one for the onboarding training 🎓',
  "=SUM(A1:A2) typed into the notes field (don't ask).",
  'Résumé: empathy ✓, solution ✓, wrap-up ✗.',
  '\t tab-led note, trailing space ',
];

export const CUSTOMER_NAMES = [
  'Jane Doe',
  'Max Mustermann',
  'Erika Musterfrau',
  '山田 太郎',
  'José Pérez',
  null,
];

export const USER_ROLES = ['wfo.full_access'];
