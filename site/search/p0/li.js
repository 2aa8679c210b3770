crdSearchTerms(0,"li",{"light":[2,53,280,298,299],"like":[102],"line":[20,59,137],"listed":[71,84,138]});
