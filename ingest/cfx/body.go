package cfx

import "encoding/json"

// The bodies of the CFX messages tracegraph uses, with the fields it reads
// (names as in the IPC-CFX SDK; JSON names match case-insensitively, as
// CFX senders differ: TransactionID and TransactionId).

// unitRef names a production unit: its own identifier, or a panel's or
// carrier's with the unit's position in it.
type unitRef struct {
	UnitIdentifier     string
	UnitPositionNumber *int
	// PositionNumber is UnitPosition's name for UnitPositionNumber.
	PositionNumber *int
}

func (u unitRef) position() *int {
	if u.UnitPositionNumber != nil {
		return u.UnitPositionNumber
	}
	return u.PositionNumber
}

type operator struct {
	OperatorIdentifier string
}

type characteristic struct {
	Name  string
	Value string
}

type unitsPersonalized struct {
	PersonalizedUnits []struct {
		unitRef
		Characteristics []characteristic
	}
}

type materialPackage struct {
	UniqueIdentifier   string
	InternalPartNumber string
}

// materialLocation is CFX's MaterialLocation: where on an endpoint a
// package is loaded.
type materialLocation struct {
	LocationIdentifier string
	LocationName       string
	MaterialPackage    *materialPackage
}

type installedComponent struct {
	ReferenceDesignator string
}

type materialsInstalled struct {
	TransactionID      string
	InstalledMaterials []struct {
		unitRef
		QuantityInstalled   *float64
		Material            *materialPackage
		InstalledComponents []installedComponent
	}
}

type materialsUninstalled struct {
	TransactionID        string
	UninstalledMaterials []struct {
		unitRef
		QuantityUninstalled   *float64
		Reason                string
		Material              *materialPackage
		UninstalledComponents []installedComponent
	}
}

type materialsLoaded struct {
	Materials []materialLocation
}

type materialsUnloaded struct {
	MaterialPackageIdentifiers []string
}

type splicePointDetected struct {
	DepletedMaterial    *materialLocation
	NewlyActiveMaterial *materialLocation
}

type workOrderIdentifier struct {
	WorkOrderID string
	Batch       string
}

type workStarted struct {
	TransactionID       string
	PrimaryIdentifier   string
	Lane                *int
	Units               []unitRef
	RecipeName          string
	Revision            string
	RelevantSurface     string
	WorkOrderIdentifier *workOrderIdentifier
}

type workCompleted struct {
	TransactionID     string
	Result            string
	PrimaryIdentifier string
	Units             []unitRef
}

type unitsProcessed struct {
	TransactionID     string
	OverallResult     string
	CommonProcessData json.RawMessage
	UnitProcessData   []struct {
		unitRef
		UnitResult      string
		UnitProcessData json.RawMessage
	}
}

// measurement is any of CFX's measurements; the numeric and boolean ones
// carry a value tracegraph keeps.
type measurement struct {
	Type            string `json:"$type"`
	MeasurementName string
	Result          string
	CRDs            string
	MeasuredValue   *struct {
		Value                  *float64
		ValueUnits             string
		MinimumAcceptableValue *float64
		MaximumAcceptableValue *float64
	}
	// Value is BooleanMeasurement's.
	Value json.RawMessage
	// fields are every field, for the measurements of other kinds
	// (solder paste volumes, placement offsets, ...).
	fields map[string]any
}

func (m *measurement) UnmarshalJSON(b []byte) error {
	type plain measurement
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	return json.Unmarshal(b, &m.fields)
}

type symptom struct {
	RelatedMeasurements []measurement
}

type test struct {
	TestName      string
	Result        string
	Measurements  []measurement
	SymptomsFound []symptom
}

type unitsTested struct {
	TransactionID  string
	Tester         *operator
	RecipeName     string
	RecipeRevision string
	TestedUnits    []struct {
		unitRef
		OverallResult string
		Tests         []test
	}
}

type inspection struct {
	InspectionName string
	Result         string
	Measurements   []measurement
	Symptoms       []symptom
}

type unitsInspected struct {
	TransactionID    string
	InspectionMethod string
	Inspector        *operator
	RecipeName       string
	RecipeRevision   string
	InspectedUnits   []struct {
		unitRef
		OverallResult string
		Inspections   []inspection
	}
}

type unitsRepaired struct {
	TransactionID  string
	RepairOperator *operator
	RepairedUnits  []struct {
		unitRef
		OverallResult string
		Repairs       []struct {
			RepairName          string
			Comments            string
			Result              string
			ComponentOfInterest *struct {
				ReferenceDesignator string
				PartNumber          string
			}
		}
	}
}

type unitsDisqualified struct {
	PrimaryIdentifier string
	Reason            string
	Comments          string
	Units             []unitRef
}
