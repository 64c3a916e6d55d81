import { defineResource } from '@toolhost/core';
import { PNG_BASE64 } from './media';

export const staticText = defineResource({
  name: 'static-text',
  uri: 'test://static-text',
  description: 'A fixed text resource (conformance fixture).',
  mimeType: 'text/plain',
  read: () => 'This is the content of the static text resource.',
});

export const staticBinary = defineResource({
  name: 'static-binary',
  uri: 'test://static-binary',
  description: 'A fixed PNG resource (conformance fixture).',
  mimeType: 'image/png',
  read: () => Buffer.from(PNG_BASE64, 'base64'),
});

export const templateData = defineResource({
  name: 'template-data',
  uriTemplate: 'test://template/{id}/data',
  description: 'JSON data for any id (conformance fixture).',
  mimeType: 'application/json',
  read: ({ params }) =>
    JSON.stringify({ id: params.id, templateTest: true, data: `Data for ID: ${params.id}` }),
});

export const watchedResource = defineResource({
  name: 'watched-resource',
  uri: 'test://watched-resource',
  description: 'A resource clients may subscribe to (conformance fixture).',
  mimeType: 'text/plain',
  read: () => 'Watched resource content',
});
