// The entry point named by index.html: the only module that boots the app when loaded.
import { startApp } from './main';

void startApp(document.getElementById('app') as HTMLElement);
