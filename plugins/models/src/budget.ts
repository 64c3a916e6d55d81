import { budgetService } from '@toolhost/plugin-hub';

/** This plugin's result size budget (config `maxTokens`), provided by its setup. */
export const modelsBudget = budgetService('models');
