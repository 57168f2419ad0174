import { render } from 'preact';
import { browserPopupDeps } from '@/components/popup/browser-deps';
import { Popup } from '@/components/popup/Popup';
import '@/components/theme.css';
import '@/components/trust-card.css';
import '@/components/popup/popup.css';

render(<Popup deps={browserPopupDeps()} />, document.getElementById('app')!);
