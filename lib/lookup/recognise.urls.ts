// The URLs the recogniser must handle, beside it (as refined-github lists its feature URLs).
// tests/unit/recognise.test.ts checks every line. Add a line whenever a store changes its URLs.
import type { PageIdentity } from './recognise';

export const RECOGNISER_CASES: readonly [url: string, expected: PageIdentity | null][] = [
  // Apple App Store: every storefront, with or without slug, with query strings, the legacy host.
  ['https://apps.apple.com/gb/app/nhs-app/id1388411277', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/us/app/wysa-mental-wellbeing-ai/id1166585565', { kind: 'apple', id: '1166585565' }],
  ['https://apps.apple.com/app/id1388411277', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/gb/app/id1388411277', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/app/nhs-app/id1388411277?platform=iphone', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/gb/app/nhs-app/id1388411277?see-all=reviews', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/gb/app/nhs-app/id1388411277/', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/GB/app/NHS-App/ID1388411277', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/fr/app/nhs-app/id1388411277#reviews', { kind: 'apple', id: '1388411277' }],
  ['https://apps.apple.com/zh-hant/app/nhs-app/id1388411277', { kind: 'apple', id: '1388411277' }],
  ['https://itunes.apple.com/gb/app/nhs-app/id1388411277?mt=8', { kind: 'apple', id: '1388411277' }],
  ['http://itunes.apple.com/app/id1388411277', { kind: 'apple', id: '1388411277' }],
  // Apple pages that are not an app.
  ['https://apps.apple.com/gb/developer/nhs-digital/id1388411276', null],
  ['https://apps.apple.com/gb/charts/iphone', null],
  ['https://apps.apple.com/gb/iphone/search?term=nhs', null],
  ['https://apps.apple.com/gb/story/id1234567890', null],
  ['https://apps.apple.com/', null],
  // Google Play: the package from id= wherever it stands in the query.
  ['https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline', { kind: 'google-play', id: 'com.nhs.online.nhsonline' }],
  ['https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline&hl=en_GB', { kind: 'google-play', id: 'com.nhs.online.nhsonline' }],
  ['https://play.google.com/store/apps/details?hl=en_GB&gl=GB&id=com.phe.couchto5K', { kind: 'google-play', id: 'com.phe.couchto5K' }],
  ['https://play.google.com/store/apps/details?id=bot.touchkin&pli=1#details-reviews', { kind: 'google-play', id: 'bot.touchkin' }],
  ['https://play.google.com/store/apps/details/?id=bot.touchkin', { kind: 'google-play', id: 'bot.touchkin' }],
  // Google Play pages that are not an app.
  ['https://play.google.com/store/apps/dev?id=5700313618786177705', null],
  ['https://play.google.com/store/apps/developer?id=NHS+England', null],
  ['https://play.google.com/store/search?q=nhs&c=apps', null],
  ['https://play.google.com/store/apps', null],
  ['https://play.google.com/store/apps/details', null],
  ['https://play.google.com/store/apps/details?id=', null],
  ['https://play.google.com/store/apps/details?id=<script>', null],
  // Web pages are candidates; the registry decides whether they are a tool.
  ['https://www.sleepio.com/', { kind: 'web', host: 'sleepio.com', path: '/' }],
  ['https://WWW.NHS.UK/nhs-app/about?x=1', { kind: 'web', host: 'nhs.uk', path: '/nhs-app/about' }],
  ['https://nhsapp.service.nhs.uk/login', { kind: 'web', host: 'nhsapp.service.nhs.uk', path: '/login' }],
  // Not web pages at all.
  ['chrome://extensions', null],
  ['file:///home/user/app.html', null],
  ['javascript:alert(1)', null],
  ['not a url', null],
];
