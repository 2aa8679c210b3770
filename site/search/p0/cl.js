crdSearchTerms(0,"cl",{"claim":[59,108,142],"claiming":[0,59,108,164,286,438],"claims":[1,48,140,268,269,302,416],"clear":[107],"close":[0,57,58],"closes":[106],"clues":[43,62]});
