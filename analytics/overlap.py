"""Duties that say nearly the same thing, compared clause by clause on their characters.

A duty is cut into clauses at its punctuation ("处理客户投诉,提供满意的解决方案。" → 处理客户投诉 ·
提供满意的解决方案), because two positions overlap when one thing they are each responsible
for is the same, even if the rest of the sentence differs. Chinese has no spaces between
words, so a clause is compared by its overlapping pairs of characters (处理客户投诉 → 处理 理客
客户 户投 投诉), which also catches the same words in another order or with a word more or less.

Each pair of characters weighs by how rare it is among all clauses (inverse document
frequency): "负责" or "客户", which many duties say, count for little and "投诉" for much. The
similarity of two clauses is the weight of the pairs they share over the weight of the
lighter clause (a weighted overlap coefficient): 1 when one says all the other says, 0 when
they share nothing. So "处理客户投诉" and "及时、准确地处理客户的问题和投诉" come out similar.
No model, no download.

Finding every pair of clauses above a threshold without comparing each with every other
(the All-Pairs method): clauses are taken from the lightest to the heaviest; each one indexes
its pairs of characters except its most common ones, as many as could not reach the threshold
by themselves. Two clauses that reach it therefore share a pair the lighter one indexed, and
looking up every pair of every later clause finds them.
"""

import math
import re
from collections import Counter, defaultdict

_CLAUSE_BREAK = re.compile(r"[,，;；。.!！?？、:：\n]+")
_NOT_WORD = re.compile(r"[\W_]+")
SHORTEST = 4  # characters: shorter clauses ("负责", "及时") say too little to compare


def clauses(text):
    """The comparable clauses of a text: split at punctuation, lower case, without spaces and symbols."""
    parts = (_NOT_WORD.sub("", part.lower()) for part in _CLAUSE_BREAK.split(text or ""))
    return [part for part in parts if len(part) >= SHORTEST]


def bigrams(clause):
    return {clause[index : index + 2] for index in range(len(clause) - 1)}


def similar_pairs(texts, threshold):
    """[(i, j, similarity)] for the distinct clauses `texts` whose similarity reaches `threshold`, i < j."""
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a similarity above 0 and at most 1")
    grams = [bigrams(text) for text in texts]
    counts = Counter(gram for text_grams in grams for gram in text_grams)
    idf = {gram: math.log((1 + len(texts)) / (1 + count)) + 1 for gram, count in counts.items()}
    weight = [sum(idf[gram] for gram in text_grams) for text_grams in grams]
    index = defaultdict(list)  # pair of characters → the lighter clauses that index it
    pairs = []
    for number in sorted(range(len(texts)), key=lambda n: (weight[n], n)):
        text_grams = grams[number]
        candidates = set()
        for gram in text_grams:
            candidates.update(index.get(gram, ()))
        for other in candidates:  # `other` is the lighter one: the shared weight is over its own
            shared = sum(idf[gram] for gram in text_grams & grams[other])
            similarity = shared / weight[other]
            if similarity >= threshold - 1e-9:
                pairs.append((min(other, number), max(other, number), min(similarity, 1.0)))
        unindexed, bound = 0.0, threshold * weight[number]
        for gram in sorted(text_grams, key=lambda g: (-counts[g], g)):  # the most common first
            unindexed += idf[gram]
            if unindexed >= bound - 1e-9:
                index[gram].append(number)
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs
