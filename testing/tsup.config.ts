export { default } from '../tsup.plugin';
