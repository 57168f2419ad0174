import { render } from 'preact';
import { browserRegistryDeps } from '@/components/popup/browser-deps';
import { HandoutPage } from '@/components/popup/Handout';
import { SignpostDatabase } from '@/lib/storage/db';
import '@/components/theme.css';
import '@/components/popup/popup.css';

render(<HandoutPage deps={browserRegistryDeps(new SignpostDatabase())} search={location.search} print={() => window.print()} />, document.getElementById('app')!);
