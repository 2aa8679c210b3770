crdSearchTerms(0,"sc",{"scare":[143,144],"scheduled":[3,45,143,258],"scrutiny":[2,84]});
