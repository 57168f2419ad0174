import { render } from 'preact';
import { browserFileActions } from '@/components/signposting/browser-files';
import { messageSignpostingPort } from '@/components/signposting/message-port';
import { SignpostingPage } from '@/components/signposting/SignpostingPage';
import '@/components/theme.css';
import '@/components/options/options.css';
import '@/components/signposting/signposting.css';

render(<SignpostingPage deps={{ port: messageSignpostingPort(), ...browserFileActions() }} />, document.getElementById('app')!);
