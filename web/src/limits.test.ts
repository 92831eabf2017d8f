import { describe, expect, it } from 'vitest';
import contract from '../../docs/openapi.json';
import { MESSAGE_MAX_LENGTH, TITLE_MAX_LENGTH } from './limits';

type Schema = { properties: Record<string, { maxLength?: number }> };
const schemas = contract.components.schemas as unknown as Record<string, Schema>;
const maxLength = (record: string, property: string): number | undefined => schemas[record]?.properties[property]?.maxLength;

describe('the limits of the inputs are the server\'s (docs/openapi.json)', () => {
  it('a conversation title has at most the length the server accepts', () => {
    expect(TITLE_MAX_LENGTH).toBe(maxLength('ConversationRename', 'title'));
    expect(TITLE_MAX_LENGTH).toBe(maxLength('NewConversation', 'title'));
  });

  it('a message has at most the length the server accepts', () => {
    expect(MESSAGE_MAX_LENGTH).toBe(maxLength('ChatMessageRequest', 'text'));
  });
});
