/**
 * Limits the server validates, mirrored for the inputs' maxlength (the server still checks). The values are in
 * docs/openapi.json (maxLength of the request records); limits.test.ts fails when the two differ.
 */

/** ChatMessageRequest.text */
export const MESSAGE_MAX_LENGTH = 4000;

/** ConversationRename.title and NewConversation.title */
export const TITLE_MAX_LENGTH = 80;
