import { render } from 'preact';
import { OptionsPage } from '@/components/options/OptionsPage';
import { browserOptionsPorts } from '@/components/options/browser-ports';
import '@/components/theme.css';
import '@/components/options/options.css';

render(<OptionsPage ports={browserOptionsPorts()} />, document.getElementById('app')!);
