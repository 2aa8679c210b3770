crdSearchTerms(0,"ab",{"about":[36,40,53,142],"about_event_id":[30,31,32,36,42,46,49,54,56,59,60,63,64]});
