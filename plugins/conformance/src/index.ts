import { definePlugin } from '@toolhost/core';
import {
  promptWithArguments,
  promptWithEmbeddedResource,
  promptWithImage,
  promptWithInputRequired,
  simplePrompt,
} from './prompts';
import { staticBinary, staticText, templateData, watchedResource } from './resources';
import { testAudioContent } from './tools/audio-content';
import { testElicitation } from './tools/elicitation';
import { testElicitationDefaults } from './tools/elicitation-defaults';
import { testElicitationEnums } from './tools/elicitation-enums';
import { testEmbeddedResource } from './tools/embedded-resource';
import { testErrorHandling } from './tools/error-handling';
import { schemaFixtures, testParamHeader } from './tools/header-and-schema-fixtures';
import { testImageContent } from './tools/image-content';
import { testInputRequiredElicitation } from './tools/input-required-elicitation';
import {
  testInputRequiredCapabilities,
  testInputRequiredListRoots,
  testInputRequiredMultipleInputs,
  testInputRequiredRequestState,
  testInputRequiredTamperedState,
  testMissingCapability,
  testStreamingElicitation,
} from './tools/input-required-fixtures';
import { testInputRequiredMultiRound } from './tools/input-required-multi-round';
import { testInputRequiredSampling } from './tools/input-required-sampling';
import { listChanges, testTriggerPromptChange, testTriggerToolChange } from './tools/list-changes';
import { testLoggingTool } from './tools/logging-tool';
import { testMultipleContentTypes } from './tools/multiple-content-types';
import { testSampling } from './tools/sampling';
import { testSimpleText } from './tools/simple-text';
import {
  confirmDelete,
  failingJob,
  greet,
  multiInput,
  protocolErrorJob,
  slowCompute,
  testToolWithTask,
} from './tools/task-fixtures';
import { testToolWithLogging } from './tools/tool-with-logging';
import { testToolWithProgress } from './tools/tool-with-progress';

/**
 * The fixtures the official MCP conformance suite (@modelcontextprotocol/conformance)
 * calls. Only `examples/conformance.yaml` enables it; it is never in the default manifest.
 */
export default definePlugin({
  id: 'conformance',
  version: '0.1.0',
  title: 'MCP conformance fixtures',
  description:
    'Tools, resources and prompts with the exact names and answers the MCP conformance suite expects.',
  kernel: '^0.1.0',
  tools: [
    testSimpleText,
    testImageContent,
    testAudioContent,
    testEmbeddedResource,
    testMultipleContentTypes,
    testToolWithLogging,
    testErrorHandling,
    testToolWithProgress,
    testSampling,
    testElicitation,
    testElicitationDefaults,
    testElicitationEnums,
    testLoggingTool,
    testInputRequiredElicitation,
    testInputRequiredSampling,
    testInputRequiredMultiRound,
    testInputRequiredListRoots,
    testInputRequiredRequestState,
    testInputRequiredMultipleInputs,
    testInputRequiredTamperedState,
    testInputRequiredCapabilities,
    testMissingCapability,
    testStreamingElicitation,
    greet,
    slowCompute,
    failingJob,
    protocolErrorJob,
    confirmDelete,
    multiInput,
    testToolWithTask,
    testParamHeader,
    testTriggerToolChange,
    testTriggerPromptChange,
  ],
  provides: { listChanges },
  setup: ({ listsChanged }) => ({ listChanges: listsChanged }),
  toolSource: schemaFixtures,
  resources: [staticText, staticBinary, templateData, watchedResource],
  prompts: [
    simplePrompt,
    promptWithArguments,
    promptWithEmbeddedResource,
    promptWithImage,
    promptWithInputRequired,
  ],
});
