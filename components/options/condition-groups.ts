import type { ConditionId } from '@/lib/feed/conditions';

/** The condition vocabulary in groups a clinician scans by, for the "My conditions" checkboxes. */
export const CONDITION_GROUPS: readonly { title: string; ids: readonly ConditionId[] }[] = [
  {
    title: 'Mental health and sleep',
    ids: ['anxiety', 'generalised-anxiety-disorder', 'social-anxiety-disorder', 'body-dysmorphic-disorder', 'ptsd', 'depression', 'low-mood', 'talking-therapies-referral', 'adhd', 'insomnia'],
  },
  { title: 'Breathing', ids: ['asthma', 'copd', 'pulmonary-rehabilitation', 'acute-respiratory-infection'] },
  { title: 'Heart and circulation', ids: ['cardiovascular-disease', 'coronary-heart-disease', 'cardiac-rehabilitation', 'heart-failure', 'hypertension', 'stroke'] },
  { title: 'Diabetes, kidneys and weight', ids: ['diabetes', 'type-1-diabetes', 'type-2-diabetes', 'chronic-kidney-disease', 'obesity'] },
  { title: 'Muscles, joints and pain', ids: ['low-back-pain', 'chronic-pain', 'osteoarthritis', 'musculoskeletal-conditions', 'pelvic-health'] },
  { title: 'General', ids: ['long-term-conditions-general', 'physical-activity'] },
];
