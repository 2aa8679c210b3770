crdSearchTerms(0,"sl",{"slovakia":[2,89,92,245,400,401,402,403]});
