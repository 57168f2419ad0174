// Controlled vocabulary of long-term conditions (and the care pathways feeds file tools under).
// Feeds name conditions by these ids. SNOMED CT concept ids are given only for well-established
// disorder concepts; pathways such as "cardiac rehabilitation" are not disorders and carry none.
// The codes are for matching with clinical systems later; the UI shows the label, never the code alone.

export interface ConditionTerm {
  readonly label: string;
  readonly snomed?: string;
}

export const CONDITIONS = {
  'long-term-conditions-general': { label: 'Long-term conditions (general)' },
  adhd: { label: 'ADHD', snomed: '406506008' },
  anxiety: { label: 'Anxiety', snomed: '197480006' },
  'generalised-anxiety-disorder': { label: 'Generalised anxiety disorder', snomed: '21897009' },
  'social-anxiety-disorder': { label: 'Social anxiety disorder', snomed: '25501002' },
  'body-dysmorphic-disorder': { label: 'Body dysmorphic disorder', snomed: '83482000' },
  ptsd: { label: 'Post-traumatic stress disorder', snomed: '47505003' },
  depression: { label: 'Depression', snomed: '35489007' },
  'low-mood': { label: 'Low mood' },
  'talking-therapies-referral': { label: 'NHS Talking Therapies referral' },
  insomnia: { label: 'Insomnia', snomed: '193462001' },
  asthma: { label: 'Asthma', snomed: '195967001' },
  copd: { label: 'COPD', snomed: '13645005' },
  'pulmonary-rehabilitation': { label: 'Pulmonary rehabilitation' },
  'acute-respiratory-infection': { label: 'Acute respiratory infection (virtual wards)' },
  'cardiovascular-disease': { label: 'Cardiovascular disease', snomed: '49601007' },
  'coronary-heart-disease': { label: 'Coronary heart disease', snomed: '53741008' },
  'cardiac-rehabilitation': { label: 'Cardiac rehabilitation' },
  'heart-failure': { label: 'Heart failure', snomed: '84114007' },
  hypertension: { label: 'Hypertension', snomed: '38341003' },
  stroke: { label: 'Stroke', snomed: '230690007' },
  diabetes: { label: 'Diabetes', snomed: '73211009' },
  'type-1-diabetes': { label: 'Type 1 diabetes', snomed: '46635009' },
  'type-2-diabetes': { label: 'Type 2 diabetes', snomed: '44054006' },
  'chronic-kidney-disease': { label: 'Chronic kidney disease', snomed: '709044004' },
  obesity: { label: 'Overweight and obesity (weight management)', snomed: '414916001' },
  'physical-activity': { label: 'Physical activity' },
  'low-back-pain': { label: 'Low back pain', snomed: '279039007' },
  'chronic-pain': { label: 'Chronic pain', snomed: '82423001' },
  osteoarthritis: { label: 'Osteoarthritis', snomed: '396275006' },
  'musculoskeletal-conditions': { label: 'Musculoskeletal conditions', snomed: '928000' },
  'pelvic-health': { label: 'Pelvic health' },
} as const satisfies Record<string, ConditionTerm>;

export type ConditionId = keyof typeof CONDITIONS;

export function isKnownCondition(id: string): id is ConditionId {
  return Object.hasOwn(CONDITIONS, id);
}

/** Label for display; an id from a newer vocabulary is shown as given rather than hidden. */
export function conditionLabel(id: string): string {
  return isKnownCondition(id) ? CONDITIONS[id].label : id;
}
