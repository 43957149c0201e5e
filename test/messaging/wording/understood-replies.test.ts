/** Typed replies read as a rating: Hindi, English and romanised Hindi, however the keyboard spelled them. */
import { normaliseReply, understoodRating } from '../../../messaging/wording/understood-replies';

test.each([
  ['संतुष्ट', 'SATISFIED'],
  ['असंतुष्ट', 'NOT_SATISFIED'],
  ['हाँ', 'SATISFIED'],
  ['हां', 'SATISFIED'],
  ['नहीं', 'NOT_SATISFIED'],
  ['नहीँ', 'NOT_SATISFIED'],
  ['1', 'SATISFIED'],
  ['2', 'NOT_SATISFIED'],
  ['२', 'NOT_SATISFIED'],
  ['Yes', 'SATISFIED'],
  ['NO!', 'NOT_SATISFIED'],
  ['  nahi. ', 'NOT_SATISFIED'],
  ['Nahin', 'NOT_SATISFIED'],
  ['haan ji', 'SATISFIED'],
  ['Santusht', 'SATISFIED'],
  ['asantusht', 'NOT_SATISFIED'],
  ['Not satisfied', 'NOT_SATISFIED'],
  ['y', 'SATISFIED'],
  ['n', 'NOT_SATISFIED'],
  ['असंतुष्ट।', 'NOT_SATISFIED'],
])('%s is read as %s', (typed, rating) => {
  expect(understoodRating(typed)).toBe(rating);
});

test('zero-width joiners and a decomposed nukta do not change the word', () => {
  expect(understoodRating('अ\u200Dसंतु\u200Cष्ट')).toBe('NOT_SATISFIED');
  expect(normaliseReply('\u095B')).toBe(normaliseReply('\u091C\u093C'));
  expect(normaliseReply('\u095B')).toBe('\u091C');
});

test.each(['नहीं, पानी अब भी भरा है', 'hello', 'yes no', '3', '', 'ok thanks'])('%j is not a rating', (typed) => {
  expect(understoodRating(typed)).toBeUndefined();
});
